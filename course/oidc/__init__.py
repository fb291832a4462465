"""Signing in with the school account (Microsoft Entra ID, SURFconext, Google Workspace) through
OpenID Connect: the configured providers, the flow, the rules on claims and the account behind them."""
