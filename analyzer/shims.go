package analyzer

import (
	"slices"
	"strconv"
	"strings"
)

// nameShims gives every Rewritable site its shim name and fills
// Result.Shims. Sites of one target share one shim. Converted sites keep
// the name of the shim they call, and a new site of the same target reuses
// it; otherwise the name is the target's base name, numbered if it
// collides with a name of the package, of a file's imports, or of a local
// declaration in scope at one of the sites.
func (c *checker) nameShims() {
	sites := c.result().Sites
	names := make(map[target]string)
	taken := make(map[string]bool)
	for _, s := range sites {
		if s.Status == Converted {
			if _, ok := names[s.plan.key]; !ok {
				names[s.plan.key] = s.Shim
			}
			taken[s.Shim] = true
		}
	}
	for _, s := range sites {
		if s.Status != Rewritable {
			continue
		}
		name, ok := names[s.plan.key]
		if !ok {
			name = c.freshName(s.plan.key.Shim, taken)
			names[s.plan.key] = name
			taken[name] = true
		}
		s.Shim = name
	}

	byName := make(map[string]*Shim)
	for _, s := range sites {
		if s.Status == NotRewritable {
			continue
		}
		sh := byName[s.Shim]
		if sh == nil {
			sh = &Shim{Name: s.Shim, Kind: s.Kind, Op: s.Op, ListenConfig: s.ListenConfig, Form: s.Form}
			byName[s.Shim] = sh
			c.res.Shims = append(c.res.Shims, sh)
		}
		sh.Sites = append(sh.Sites, s.Pos)
	}
	slices.SortFunc(c.res.Shims, func(a, b *Shim) int { return strings.Compare(a.Name, b.Name) })
}

// freshName returns base, or base2, base3, ...: the first that is free.
func (c *checker) freshName(base string, taken map[string]bool) string {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if !taken[name] && c.nameFree(name) {
			return name
		}
	}
}

// nameFree reports whether a package-level function called name can be
// declared and called from every Rewritable site. The declarations of
// generated files do not count: the generator replaces them.
func (c *checker) nameFree(name string) bool {
	pkgScope := c.pass.Pkg.Scope()
	if obj := pkgScope.Lookup(name); obj != nil && !c.shimDeclObjs[obj] {
		return false
	}
	for _, file := range c.pass.Files {
		if scope := c.info.Scopes[file]; scope != nil && scope.Lookup(name) != nil {
			return false
		}
	}
	for _, s := range c.res.Sites {
		if s.Status != Rewritable {
			continue
		}
		if obj := c.lookup(name, s.Pos); obj != nil && obj.Parent() != pkgScope {
			return false
		}
	}
	return true
}

// buildEdits fills the Edits of every Rewritable site, now that it has a
// shim name.
func (c *checker) buildEdits() {
	for _, s := range c.res.Sites {
		if s.Status == Rewritable && s.plan.edit != nil {
			s.Edits = s.plan.edit(s.Shim)
		}
	}
}
