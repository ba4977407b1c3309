variable "region" {
  type = string
  default = "eu-west-1"
}

resource "aws_s3_bucket" "b" {
  bucket = "x"
  tags = {
