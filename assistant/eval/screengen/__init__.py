"""A generator of fictional desktop screens with questions about them: `assistant eval make-screens DIR`
renders them (made here, from templates and a seeded random generator; no real mail, page or person)."""
