"""Privacy by design: the inventory of what the app stores, a person's own data page and download,
deletion, and the purge of classes archived long ago."""
