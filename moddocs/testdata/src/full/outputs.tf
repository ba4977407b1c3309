output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "secret" {
  value     = var.password
  sensitive = true
}

output "region" {
  value = data.aws_region.current.name
}
