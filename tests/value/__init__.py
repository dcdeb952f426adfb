"""Customer value: RFM and CLV."""
