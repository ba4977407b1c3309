package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// synthModules makes n modules from a small vocabulary, like
// ../shared/tools/synth-registry does, with descriptions.
func synthModules(n int) []Module {
	words := strings.Fields(`acm alb api app artifact athena backup batch bucket cache cdn cert cloud cluster
 config consul container cron database dns ecr ecs eks elastic event firewall function gateway gke iam
 identity ingress instance kafka key kms lambda lb log metrics monitoring mq mysql nat network nomad
 notification pipeline policy postgres queue rds redis registry role route53 runner s3 secret security
 service sns sqs ssm storage subnet tags vault vm vpc vpn waf web worker zone`)
	systems := []string{"aws", "aws", "aws", "azurerm", "azurerm", "google", "google", "kubernetes", "helm", "null"}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]Module, n)
	for i := range out {
		w1, w2 := words[rng.IntN(len(words))], words[rng.IntN(len(words))]
		out[i] = Module{
			Namespace: fmt.Sprintf("%s-%s%d", words[rng.IntN(len(words))], "team", i%3000), Name: fmt.Sprintf("%s-%s-%d", w1, w2, i),
			Provider: systems[rng.IntN(len(systems))], Version: "1.0.0", Tag: "v1.0.0",
			Description: fmt.Sprintf("Terraform module which creates %s %s resources with %s", w1, w2, words[rng.IntN(len(words))]),
			PublishedAt: time.Unix(1e9, 0), Downloads: int64(rng.IntN(1_000_000)), Verified: i%50 == 0,
		}
	}
	return out
}

// BenchmarkModules measures one query on a 25,000-module index, the
// public registry's size.
func BenchmarkModules(b *testing.B) {
	ix := Build(synthModules(25000), nil, BuildOptions{})
	for _, q := range []Query{
		{Text: "vpc"},
		{Text: "aws vpc"},
		{Text: "se"},
		{Text: "security group", Provider: "aws", Offset: 20, Limit: 20},
		{Namespace: "vpc-team7", Limit: 100},
		{Provider: "aws", Offset: 5000},
	} {
		b.Run(fmt.Sprintf("%+v", q), func(b *testing.B) {
			var total int
			for b.Loop() {
				total = ix.Modules(q).Total
			}
			b.ReportMetric(float64(total), "results")
		})
	}
}
