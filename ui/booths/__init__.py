"""The Booths page: floor-plan editor, plan view, assignment."""
