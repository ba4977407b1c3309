variable "vpc_id" {
  type = string
}

resource "aws_route_table" "main" {
  vpc_id = var.vpc_id
}

output "route_table_id" {
  value = aws_route_table.main.id
}
