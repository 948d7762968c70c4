"""The lookup services: arXiv, Hugging Face and Semantic Scholar over HTTP.

``open_lookup(cache_dir)`` returns a :class:`RemoteLookup`, readinglist's
``core.identity.PaperLookup``. ``core`` never imports this package (core stays free of
the network); the composition root hands a lookup to the use case that needs one.
docs/remote.md says which HTTP client, why, and how the services are treated.
"""

from readinglist.core.identity import (
    LookupFailedError,
    LookupOfflineError,
    LookupUnavailableError,
)
from readinglist.remote.config import RemoteConfig, ServicePolicy
from readinglist.remote.lookup import RemoteLookup, open_lookup

__all__ = [
    "LookupFailedError",
    "LookupOfflineError",
    "LookupUnavailableError",
    "RemoteConfig",
    "RemoteLookup",
    "ServicePolicy",
    "open_lookup",
]
