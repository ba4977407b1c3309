package search

import (
	"time"
)

// fixtureModules is a small registry modelled on real public modules:
// their names, descriptions and relative popularity.
func fixtureModules() []Module {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(ns, name, prov, desc string, downloads int64, verified bool) Module {
		return Module{
			Namespace: ns, Name: name, Provider: prov, Version: "1.0.0", Tag: "v1.0.0",
			Description: desc, Source: "https://github.com/" + ns + "/terraform-" + prov + "-" + name,
			PublishedAt: t0.Add(time.Duration(downloads%97) * time.Hour), Downloads: downloads, Verified: verified,
		}
	}
	return []Module{
		mk("terraform-aws-modules", "vpc", "aws", "Terraform module to create AWS VPC resources 🇺🇦", 150_000_000, true),
		mk("terraform-aws-modules", "eks", "aws", "Terraform module to create Amazon Elastic Kubernetes (EKS) resources", 90_000_000, true),
		mk("terraform-aws-modules", "iam", "aws", "Terraform module to create AWS IAM resources", 120_000_000, true),
		mk("terraform-aws-modules", "security-group", "aws", "Terraform module to create AWS Security Group resources", 100_000_000, true),
		mk("terraform-aws-modules", "s3-bucket", "aws", "Terraform module to create AWS S3 resources", 80_000_000, true),
		mk("terraform-aws-modules", "lambda", "aws", "Terraform module, which takes care of a lot of AWS Lambda/serverless tasks (build dependencies, packages, updates, deployments) in countless combinations", 60_000_000, true),
		mk("terraform-aws-modules", "rds", "aws", "Terraform module to create AWS RDS resources", 50_000_000, true),
		mk("terraform-aws-modules", "rds-aurora", "aws", "Terraform module to create AWS RDS Aurora resources", 30_000_000, true),
		mk("terraform-aws-modules", "alb", "aws", "Terraform module to create AWS Application/Network Load Balancer (ALB/NLB) resources", 40_000_000, true),
		mk("terraform-aws-modules", "vpc-endpoints", "aws", "Terraform module to create AWS VPC Endpoints", 5_000_000, false),
		mk("terraform-aws-modules", "ec2-instance", "aws", "Terraform module to create AWS EC2 instance(s) resources", 45_000_000, true),
		mk("terraform-aws-modules", "eks-pod-identity", "aws", "Terraform module to create AWS EKS Pod Identity resources", 2_000_000, false),
		mk("cloudposse", "label", "null", "Terraform Module to define a consistent naming convention by (namespace, stage, name, [attributes])", 70_000_000, false),
		mk("cloudposse", "vpc", "aws", "Terraform Module that defines a VPC with public/private subnets across multiple AZs with Internet Gateways", 3_000_000, false),
		mk("cloudposse", "s3-log-storage", "aws", "Terraform module creates an S3 bucket suitable for receiving logs from other AWS services such as S3, CloudFront, and CloudTrail", 20_000_000, false),
		mk("terraform-google-modules", "network", "google", "Modular Google Cloud Platform networking: VPC networks, subnets, routes and firewall rules", 25_000_000, true),
		mk("terraform-google-modules", "kubernetes-engine", "google", "Configures opinionated GKE clusters", 22_000_000, true),
		mk("terraform-google-modules", "cloud-storage", "google", "Creates one or more Cloud Storage buckets and assigns basic permissions on them to arbitrary users", 9_000_000, true),
		mk("terraform-google-modules", "project-factory", "google", "Creates an opinionated Google Cloud project by using Shared VPC, IAM, and Google Cloud APIs", 18_000_000, true),
		mk("Azure", "naming", "azurerm", "Terraform module to generate resources names", 8_000_000, true),
		mk("Azure", "network", "azurerm", "Terraform Azure RM Module for Network", 4_000_000, true),
		mk("Azure", "aks", "azurerm", "Terraform Module for deploying an AKS cluster", 6_000_000, true),
		mk("Azure", "avm-res-network-virtualnetwork", "azurerm", "Azure Verified Module for Virtual Networks", 1_500_000, true),
		mk("hashicorp", "consul", "aws", "A Terraform Module for how to run Consul on AWS using Terraform and Packer", 1_000_000, true),
		mk("hashicorp", "subnets", "cidr", "Calculate subnet IP address prefixes for a network address range", 12_000_000, false),
		mk("hashicorp", "vault", "aws", "A Terraform Module for how to run Vault on AWS using Terraform and Packer", 900_000, true),
		mk("k7faq", "aks_cluster", "azure", "AKS cluster with node pools", 1_000, false),
		mk("observeinc", "lambda", "aws", "Observe Lambda forwarder", 50_000, false),
		mk("gruntwork-io", "postgres-rds", "aws", "Run PostgreSQL on Amazon RDS", 200_000, false),
		mk("someone", "database", "aws", "Managed PostgreSQL database on RDS with automated backups", 5_000, false),
		mk("terraform-ibm-modules", "vpc", "ibm", "Provisions an IBM Cloud VPC", 300_000, false),
		mk("traveloka", "ecs-fargate-service", "aws", "Terraform module to create ECS Fargate service", 100_000, false),
		mk("umotif-public", "ecs-fargate", "aws", "Terraform module to create AWS ECS Fargate services", 800_000, false),
		mk("lgallard", "backup", "aws", "Terraform module to create AWS Backup plans", 700_000, false),
		mk("dasmeta", "security-groups", "aws", "Security groups helper", 100, false),
	}
}

func fixtureProviders() []Provider {
	t0 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	mk := func(ns, typ, desc string, downloads int64) Provider {
		return Provider{Namespace: ns, Type: typ, Version: "2.0.0", Description: desc,
			Source: "https://github.com/" + ns + "/terraform-provider-" + typ, PublishedAt: t0, Downloads: downloads}
	}
	return []Provider{
		mk("hashicorp", "aws", "AWS provider", 5000),
		mk("hashicorp", "random", "Random values", 3000),
		mk("CiscoDevNet", "ciscomcd", "Cisco Multicloud Defense", 10),
		mk("cloudraya", "cloudraya", "", 1),
		mk("coffedahl", "caddy", "Caddy", 2),
		mk("ataila", "ataila", "", 0),
	}
}
