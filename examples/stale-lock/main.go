package main

import "fmt"

func main() {
	fmt.Println("the pin moved to 1.27.3, gogate.lock still describes 1.27.2")
}
