"""indexmodel: model Vietnam's provincial governance indices from their components.

PAPI, SIPAS, PAR INDEX and PCI are each a tree of weighted components. indexmodel
keeps each tree as data (``data/specs``), scores any level of it, places a province
among its peers, and shows which component improvements move its rank, by how
much and with what odds.
"""

__version__ = "0.1.0"
