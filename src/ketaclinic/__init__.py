"""KetaClinic."""
