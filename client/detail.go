package client

import (
	"context"
	"fmt"
)

// LatestModule returns the detail of the latest version of a module
// (GET <modules.v1>/<namespace>/<name>/<system>).
func (c *Client) LatestModule(ctx context.Context, addr ModuleAddr) (*ModuleDetail, error) {
	return c.moduleDetail(ctx, addr, "")
}

// Module returns the detail of one module version
// (GET <modules.v1>/<namespace>/<name>/<system>/<version>).
func (c *Client) Module(ctx context.Context, addr ModuleAddr, version string) (*ModuleDetail, error) {
	if err := checkSegments("module "+addr.String()+" version", version); err != nil {
		return nil, err
	}
	return c.moduleDetail(ctx, addr, version)
}

func (c *Client) moduleDetail(ctx context.Context, addr ModuleAddr, version string) (*ModuleDetail, error) {
	what := "getting module " + addr.String()
	if version != "" {
		what += " " + version
	}
	if err := addr.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	mod, err := c.modulesURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	segs := []string{addr.Namespace, addr.Name, addr.System}
	if version != "" {
		segs = append(segs, version)
	}
	var d ModuleDetail
	if _, err := c.getJSON(ctx, join(mod, segs...), &d); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &d, nil
}
