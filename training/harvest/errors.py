"""The one error type a harvest raises for problems the user can fix; its message is fit to print."""


class HarvestError(Exception):
    """A harvest cannot go on: a bad classes file, an unknown taxon, a service that keeps refusing."""
