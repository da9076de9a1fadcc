import json, sys
x = int(sys.argv[1]); r = int(sys.argv[2])
if x == 3: sys.exit(2)
print(json.dumps({"y": x * 10 + r, "note": "ok"}))
