variable "ok" {
  type = string
}

resource "aws_instance" "web" {
  ami = "ami-123"
  tags = {
    Name = "web"
