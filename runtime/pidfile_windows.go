package graceful

// oNoFollow: O_EXCL already refuses an existing name, symlink or not.
const oNoFollow = 0
