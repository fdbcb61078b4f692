"""kyodo-lod: publish city policy plans as Linked Open Data."""

__version__ = "0.1.0"
