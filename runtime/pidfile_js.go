package graceful

// oNoFollow: js has no O_NOFOLLOW; O_EXCL already refuses an existing name.
const oNoFollow = 0
