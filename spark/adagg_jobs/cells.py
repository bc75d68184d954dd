"""Text cells as the CLI writes them (`src/text/cell.rs`): spreadsheet-safe
(OWASP CSV-injection rule: a leading `=`, `+`, `-`, `@`, tab or CR gets a
`'`) and RFC 4180-quoted (a field with `,`, `"`, LF or CR). In Python for
the driver, and as a Spark SQL expression for rows formatted on the executors."""
from pyspark.sql import Column
from pyspark.sql import functions as F

_GUARD = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """`value` as a CSV field."""
    guarded = "'" + value if value.startswith(_GUARD) else value
    if any(c in value for c in ',"\n\r'):
        return '"' + guarded.replace('"', '""') + '"'
    return guarded


def csv_text_col(c: Column) -> Column:
    """[`csv_text`] as a column expression."""
    guarded = F.when(c.rlike("^[=+\\-@\\t\\r]"), F.concat(F.lit("'"), c)).otherwise(c)
    return F.when(c.rlike('[,"\\n\\r]'), F.concat(F.lit('"'), F.replace(guarded, F.lit('"'), F.lit('""')), F.lit('"'))).otherwise(guarded)
