terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 4.0, < 6.0"
    }
    random = ">= 3.1" # legacy string form, no source
    corp = {
      source = "registry.example.com/acme/corp"
    }
  }
}
