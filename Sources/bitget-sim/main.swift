print("bitget-sim: not built yet")
