"""Test-only custom auth: bearer tokens, and each user sees only their own threads and runs.

The shape of langgraph_sdk's ``Auth`` docs: ``authenticate`` maps the token to a
user (401 otherwise); a threads handler stamps new threads with their owner and
filters every read by it, so another user's thread answers 404.
"""

from langgraph_sdk import Auth

#: token → user. Tests import these; a real deployment would verify a signed token.
TOKENS = {
    "lgw-test-token-alice-8c1f2e": "alice",
    "lgw-test-token-bob-47d0a9": "bob",
}

auth = Auth()


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or token not in TOKENS:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Invalid or missing bearer token")
    return {"identity": TOKENS[token]}


@auth.on.threads
async def own_threads(ctx: Auth.types.AuthContext, value: dict) -> Auth.types.FilterType:
    """Threads (and the runs on them) carry their owner; every read is filtered by it. Assistants stay public."""
    filters = {"owner": ctx.user.identity}
    metadata = value.setdefault("metadata", {}) if isinstance(value, dict) else None
    if isinstance(metadata, dict):
        metadata.update(filters)
    return filters
