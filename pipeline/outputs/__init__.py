"""The published outputs: their layout and format version (`layout`), written by
`writers` and read back by archive, web and mux through one typed reader (`read`)."""
