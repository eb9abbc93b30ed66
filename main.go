// Command terraform-provider-nsx serves the nsx Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/netsession/terraform-provider-nsx/internal/provider"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// version is set by the release build (-X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	pool := session.NewPool()
	err := providerserver.Serve(context.Background(), provider.New(version, pool), providerserver.ServeOpts{
		Address:         "registry.terraform.io/netsession/nsx",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	// Serve returns when Terraform is done with the provider: log every session out, so that
	// no run leaves a session slot behind on a manager.
	pool.Close()
	if err != nil {
		log.Fatal(err.Error())
	}
}
