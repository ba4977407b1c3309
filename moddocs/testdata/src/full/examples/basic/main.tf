module "full" {
  source = "../../"
  name   = "basic"
  password = "not-a-secret"
}
