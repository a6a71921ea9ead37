import Reelbase
print("x")
