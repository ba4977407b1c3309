variable "name" {
  description = "Name prefix for every resource."
  type        = string
}

variable "tags" {
  type    = map(string)
  default = { Team = "platform", "cost-center" = "42" }
}

variable "subnets" {
  description = "Subnets to create, keyed by name."
  type = map(object({
    cidr   = string
    public = optional(bool, false)
    zones  = optional(list(string), ["a", "b"])
  }))
  default = {}
}

variable "password" {
  description = "Database password."
  type        = string
  sensitive   = true
}

variable "untyped" {}

variable "nullable_default" {
  type    = number
  default = null
}

variable "settings" {
  type = object({
    retries = number
    backoff = tuple([number, string])
  })
  default = {
    retries = 3
    backoff = [1.5, "exponential"]
  }
}

variable "legacy" {
  type    = "list"
  default = []
}

variable "old_flag" {
  type       = bool
  default    = true
  deprecated = "Use settings instead."
}

# Untyped variables with a default: the OpenTofu docs shape gives the
# default's own type.
variable "untyped_string" {
  default = "hi"
}

variable "untyped_number" {
  default = 3
}

variable "untyped_bool" {
  default = false
}

variable "untyped_list" {
  default = ["a", 1]
}

variable "untyped_object" {
  default = { zone = "a", count = 2 }
}

variable "untyped_null" {
  default = null
}
