"""One closing line from schemathesis' output and JUnit report: how many cases were generated,
how many operations passed and failed."""
import glob, re, sys
import xml.etree.ElementTree as ET

out, report_dir = sys.argv[1], sys.argv[2]
text = open(out, encoding="utf-8", errors="replace").read()
generated = re.search(r"(\d+)\s+generated", text)
operations = failed = 0
for path in glob.glob(report_dir + "/*.xml"):
    for case in ET.parse(path).getroot().iter("testcase"):
        operations += 1
        failed += 1 if case.find("failure") is not None or case.find("error") is not None else 0
print(f"contract: {generated.group(1) if generated else '?'} cases generated over {operations} operations; "
      f"{operations - failed} passed, {failed} failed")
sys.exit(1 if failed or not operations else 0)
