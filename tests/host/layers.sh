# The module's layers (scripts/check-layers): no call from a file to a
# higher layer, no cycle, every object in the table.  Reads the objects
# the build left in the build tree (CR_TOP).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
exec "$src/scripts/check-layers" "$CR_TOP"
