package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/regen-registry/regen/config"
)

// configBinding says which flag a configuration key sets: on the command
// cmd (its path below regen, "add provider"), or on every command that
// has the flag when cmd is empty, except the command except.
type configBinding struct {
	key, cmd, flag string
	except         string
}

// configBindings is the one table from regen.yaml keys to flags. A key is
// applied to a flag only when the flag was not given on the command line.
var configBindings = []configBinding{
	{key: "host", cmd: "build", flag: "host"},
	{key: "base_url", cmd: "build", flag: "base-url"},
	{key: "base_url", cmd: "upload", flag: "public-url"},
	{key: "base_url", cmd: "verify", flag: "url"},
	{key: "data", flag: "data", except: "serve"}, // serve --data (live) only from the command line
	{key: "out", flag: "out"},
	{key: "out", cmd: "upload", flag: "dir"},
	{key: "out", cmd: "serve", flag: "dir"},
	{key: "out", cmd: "verify", flag: "dir"},
	{key: "jobs", flag: "jobs"},
	{key: "mirror_prefix", cmd: "build", flag: "mirror-prefix"},
	{key: "licenses", flag: "licenses"},
	{key: "module_archives", flag: "module-archives"},
	{key: "github.url", flag: "github-url"},
	{key: "github.api_url", flag: "github-api-url"},
	{key: "github.token_env", flag: "token-env"},
	{key: "access", cmd: "build", flag: "access"},
	{key: "access", cmd: "serve", flag: "access"},
	{key: "upload.target", cmd: "upload", flag: "to"},
	{key: "upload.endpoint", cmd: "upload", flag: "endpoint"},
	{key: "upload.region", cmd: "upload", flag: "region"},
	{key: "upload.state", cmd: "upload", flag: "state"},
	{key: "cloudflare.zone", cmd: "upload", flag: "purge-cloudflare-zone"},
	{key: "cloudflare.token_env", cmd: "upload", flag: "cloudflare-token-env"},
}

// noConfigCommands do not read regen.yaml (init writes it; the others do
// not need it, and a broken file must not stop them).
var noConfigCommands = []string{"init", "gen-docs", "completion", "help", "version", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd}

// setupConfig adds the --config flag to root and makes every command
// (but noConfigCommands) read the configuration file before it runs.
func setupConfig(root *cobra.Command, g *globals) {
	root.PersistentFlags().String("config", "", "configuration file (default: ./"+config.DefaultFile+" when present)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if slices.Contains(noConfigCommands, topCommand(cmd)) {
			return nil
		}
		cfg, err := loadConfig(cmd)
		if err != nil {
			return err
		}
		return applyConfig(cmd, cfg)
	}
}

// topCommand is the name of the command right below the root.
func topCommand(cmd *cobra.Command) string {
	for cmd.HasParent() && cmd.Parent().HasParent() {
		cmd = cmd.Parent()
	}
	return cmd.Name()
}

// commandPath is a command's path below the root ("add provider").
func commandPath(cmd *cobra.Command) string {
	_, rest, _ := strings.Cut(cmd.CommandPath(), " ")
	return rest
}

// loadConfig reads --config, or ./regen.yaml when present.
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	explicit, _ := cmd.Flags().GetString("config")
	name, err := config.Find(explicit, ".")
	if err != nil {
		return nil, err
	}
	return config.Load(name)
}

// boundFlags returns the flags of cmd that key sets.
func boundFlags(cmd *cobra.Command, key string) []*pflag.Flag {
	var out []*pflag.Flag
	path := commandPath(cmd)
	for _, b := range configBindings {
		if b.key != key || (b.cmd != "" && b.cmd != path) || b.except == path {
			continue
		}
		if f := cmd.Flags().Lookup(b.flag); f != nil && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// applyConfig sets every flag of cmd bound to a key, unless the flag was
// given on the command line. With a file, its keys and the defaults it
// implies (data: registry-data, out: dist, …) apply; without one, nothing
// changes the commands' own defaults.
func applyConfig(cmd *cobra.Command, cfg *config.Config) error {
	for _, s := range cfg.Settings() {
		if !s.Set && (cfg.Path == "" || s.FlagValue == "") {
			continue
		}
		for _, f := range boundFlags(cmd, s.Key) {
			if f.Changed {
				continue
			}
			if err := cmd.Flags().Set(f.Name, s.FlagValue); err != nil {
				return fmt.Errorf("%s: %s: not a valid value for --%s of regen %s: %w", s.Source, s.Key, f.Name, commandPath(cmd), err)
			}
		}
	}
	return nil
}

// configFlagMap lists, for every key, the flags it sets across the whole
// command tree ("build --base-url").
func configFlagMap(root *cobra.Command) map[string][]string {
	out := map[string][]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasParent() && !slices.Contains(noConfigCommands, topCommand(c)) && c.Runnable() {
			for _, k := range config.Keys() {
				for _, f := range boundFlags(c, k.Name) {
					out[k.Name] = append(out[k.Name], commandPath(c)+" --"+f.Name)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func newConfigCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, with secrets masked",
		Long: `Print the configuration every command uses: each key of regen.yaml (or the
file --config names) with its value, where it came from (the file and line, a
default, or derived from another key) and the command-line flags it sets.
Flags given on the command line override the file.

Secrets are never read from the file: it names environment variables
(github.token_env, cloudflare.token_env), and the object store's credentials
come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. The second table says
whether each is set, without showing any of its value.`,
		Example: `  regen config
  regen config --config deploy/staging.yaml --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			rep := cfg.Report(os.LookupEnv, configFlagMap(cmd.Root()))
			if g.json {
				return rep.WriteJSON(g.stdout)
			}
			return rep.WriteText(g.stdout)
		},
	}
}
