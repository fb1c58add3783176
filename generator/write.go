package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// commit writes every change or none. It first checks that each target can
// be written, then writes each new content to a temporary file beside its
// target and renames it into place, and deletes files last. If any step
// fails, the files already replaced get their old content back and the
// temporary files are removed.
func commit(changes []change, rel func(string) string) error {
	changes, err := throughLinks(changes)
	if err != nil {
		return fmt.Errorf("%v; nothing was written", err)
	}
	for _, c := range changes {
		if err := writable(c.Path); err != nil {
			return fmt.Errorf("%s: %v; nothing was written: make it writable and run gracefulgen again", rel(c.Path), err)
		}
	}
	temps := make([]string, len(changes))
	cleanup := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	for i, c := range changes {
		if c.New == nil {
			continue
		}
		t, err := writeTemp(c.Path, c.New)
		if err != nil {
			cleanup()
			return fmt.Errorf("%s: %v; nothing was written", rel(c.Path), err)
		}
		temps[i] = t
	}
	var done []change
	for i, c := range changes {
		var err error
		if c.New == nil {
			err = os.Remove(c.Path)
		} else {
			err = rename(temps[i], c.Path)
			if err == nil {
				temps[i] = ""
			}
		}
		if err != nil {
			cleanup()
			if rerr := restore(done); rerr != nil {
				return fmt.Errorf("%s: %v; restoring the files already written also failed: %v", rel(c.Path), err, rerr)
			}
			return fmt.Errorf("%s: %v; the files already written were restored, nothing changed", rel(c.Path), err)
		}
		done = append(done, c)
	}
	return nil
}

// rename is os.Rename; tests replace it to make a write fail half-way.
var rename = os.Rename

// restore puts back the old content of changes already committed.
func restore(done []change) error {
	var errs []error
	for _, c := range done {
		if c.Old == nil {
			errs = append(errs, os.Remove(c.Path))
			continue
		}
		t, err := writeTemp(c.Path, c.Old)
		if err == nil {
			err = os.Rename(t, c.Path)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// writable reports why path cannot be replaced: its directory or the file
// itself is not writable. A file without the owner's write permission is
// refused even when the process could override it (as root can).
func writable(path string) error {
	info, err := os.Stat(path)
	if err == nil {
		if info.Mode().Perm()&0o200 == 0 {
			return errors.New("file is read-only")
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("file is not writable: %w", err)
		}
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	dinfo, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if dinfo.Mode().Perm()&0o200 == 0 {
		return errors.New("directory is read-only")
	}
	return nil
}

// writeTemp writes data to a new temporary file in path's directory, with
// path's permissions (0644 for a new file), and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".gracefulgen-*.tmp")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(name, mode)); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// throughLinks returns changes with the path of each file to write that is
// a symbolic link replaced by the file it points to, so that the new
// content is written through the link and the link stays a link (a rename
// onto the link's own name would replace it with a regular file). A file
// to delete is deleted as named.
func throughLinks(changes []change) ([]change, error) {
	out := make([]change, len(changes))
	for i, c := range changes {
		out[i] = c
		if c.New == nil {
			continue
		}
		info, err := os.Lstat(c.Path)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			continue
		}
		target, err := filepath.EvalSymlinks(c.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: a symbolic link that cannot be followed: %w", c.Path, err)
		}
		out[i].Path = target
	}
	return out, nil
}
