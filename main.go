// Command terraform-provider-nsx serves the nsx Terraform provider.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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
	server, err := provider.NewServer(version, pool)()
	if err != nil {
		log.Fatal(err.Error())
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/netsession/nsx", func() tfprotov6.ProviderServer { return server }, opts...)
	// Serve returns when Terraform is done with the provider: log every session out, so that
	// no run leaves a session slot behind on a manager.
	pool.Close()
	if err != nil {
		log.Fatal(err.Error())
	}
}
