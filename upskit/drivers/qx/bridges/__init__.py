"""USB-to-serial bridge wire formats for Q* devices."""
