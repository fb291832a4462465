"""The administrator's pages: staff accounts, every class, the audit log."""
