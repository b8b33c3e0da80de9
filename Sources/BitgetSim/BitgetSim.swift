// Placeholder: the simulator library lands here (issue 3).
