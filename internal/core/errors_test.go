package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestErrorsListComplete checks that Errors names every exported Err* var.
func TestErrorsListComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[error]bool{}
	for _, e := range Errors {
		listed[e] = true
	}
	n := 0
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, name := range spec.(*ast.ValueSpec).Names {
				if strings.HasPrefix(name.Name, "Err") && name.Name != "Errors" {
					n++
				}
			}
		}
	}
	if n != len(Errors) || len(listed) != len(Errors) {
		t.Fatalf("errors.go declares %d Err* vars, Errors lists %d (%d distinct)", n, len(Errors), len(listed))
	}
}
