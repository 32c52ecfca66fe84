// Command codegen-host is a code-generation-only Pulumi language plugin for Node.js, Python and Go.
//
// `pulumi package gen-sdk` asks the language plugin of each target language to generate the SDK
// (the LanguageRuntime.GeneratePackage RPC). The real plugins, pulumi-language-nodejs,
// pulumi-language-python and pulumi-language-go, are nested Go modules without release tags that
// the Go module proxy available here does not serve, and our own Node.js language host
// (tools/language-host) runs programs but has no code generator. The generators themselves are
// ordinary packages of the released pkg/v3 module, so this small plugin wraps them: built once and
// installed under all three plugin names, it serves GeneratePackage for the language its executable
// is named after and answers every other RPC with Unimplemented. It is meant for `gen-sdk` only —
// never put it on PATH for `pulumi up`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/pkg/v3/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is reported by GetPluginInfo; the build sets it to the engine version it was built with.
var version = "0.0.0-dev"

// generator turns a bound package into files, keyed by path relative to the output folder.
type generator func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error)

var generators = map[string]generator{
	"nodejs": func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return nodejsgen.GeneratePackage("pulumi-language-nodejs", pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	},
	"python": func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return pythongen.GeneratePackage("pulumi-language-python", pkg, req.ExtraFiles, loader)
	},
	// Go's generator takes no extra files: the real pulumi-language-go refuses them the same way.
	"go": func(pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader) (map[string][]byte, error) {
		if len(req.ExtraFiles) > 0 {
			return nil, errors.New("overlays are not supported for Go")
		}
		return gogen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
	},
}

// languageOf maps the executable's name (pulumi-language-<language>) to a language with a generator.
func languageOf(executable string) (string, error) {
	base := strings.TrimSuffix(filepath.Base(executable), filepath.Ext(executable))
	language := strings.TrimPrefix(base, "pulumi-language-")
	if _, ok := generators[language]; !ok || language == base {
		return "", fmt.Errorf("codegen-host must be installed as pulumi-language-nodejs, -python or -go, not %q", base)
	}
	return language, nil
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	language string
}

func (h *host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GeneratePackage binds the schema the engine sends (dangling references allowed, as the real
// plugins do), reports binding problems as diagnostics, and writes the generated files.
func (h *host) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("the schema is not valid JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}

	files, err := generators[h.language](pkg, req, loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

func main() {
	// The engine passes its address as the only positional argument, plus flags such as -tracing
	// that a generator has no use for: define the known ones so that parsing does not fail.
	flag.String("tracing", "", "ignored")
	flag.String("root", "", "ignored")
	flag.String("runtime", "", "ignored")
	flag.Parse()

	language, err := languageOf(os.Args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, &host{language: language})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: could not start the codegen host:", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line on stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
