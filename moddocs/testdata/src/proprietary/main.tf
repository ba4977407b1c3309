variable "secret_sauce" {
  description = "Internal parameter."
  type        = string
}
