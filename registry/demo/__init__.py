"""Demo organisations built from the five source contracts (shared/seeds), in the JSON exchange format.

Each module states only what its contract states and cites the article; where the contract is silent the
field stays empty so that the domain rules flag it. Client controllers are fictional (example.com addresses):
the contracts are standard terms, so each vendor gets fictional clients that carry those terms.
"""

from registry.demo import apex_timing, art_zone, defi_informatique, ginger_minds, pilotim

ORGANISATIONS = (pilotim.REGISTER, apex_timing.REGISTER, ginger_minds.REGISTER, defi_informatique.REGISTER,
                 art_zone.REGISTER)
