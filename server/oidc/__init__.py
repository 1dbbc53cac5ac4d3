"""Sign-in with the municipality's own identity provider (OpenID Connect; issue 19).

* :mod:`server.oidc.settings`: the provider and the groups-to-teams mapping (``FELTBOG_OIDC_*``).
* :mod:`server.oidc.provider`: discovery, the provider's keys (cached, refetched on an unknown key id),
  redeeming the app's authorization code and the provider's refresh token, and ID-token validation.
* :mod:`server.oidc.accounts`: who is who: the account linked to (issuer, subject) and its teams and role.
"""
