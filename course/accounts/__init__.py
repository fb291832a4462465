"""Accounts: signing in and out, sign-up with a class code, passwords, who is signed in, the login
throttle and the `users` command."""
