provider "aws" {
  region = "eu-west-1"
}

module "full" {
  source   = "../../"
  name     = "complete"
  password = var.password
}

variable "password" {
  type      = string
  sensitive = true
}

output "vpc" {
  value = module.full.vpc_id
}
