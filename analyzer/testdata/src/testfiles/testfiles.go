package testfiles

func Handler() {}
