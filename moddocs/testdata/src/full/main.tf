resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
  tags       = var.tags
}

resource "aws_subnet" "this" {
  for_each   = var.subnets
  vpc_id     = aws_vpc.this.id
  cidr_block = each.value.cidr
}

data "aws_region" "current" {}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "corp_thing" "x" {
  provider = corp
}

module "network" {
  source = "./modules/network"
  vpc_id = aws_vpc.this.id
}

module "labels" {
  source  = "cloudposse/label/null"
  version = "0.25.0"
}
