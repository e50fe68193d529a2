// Command hiroba serves the community support forum.
package main

import (
	"os"

	"hiroba/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
