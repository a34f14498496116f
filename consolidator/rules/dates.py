"""Activities end on or after their start, within the budget year and the plan years."""
from rodtrad.consolidator.model.findings import ERROR, define

END_BEFORE_START = define("activity.end_before_start", ERROR, "Slutdatum {value} ligger före startdatum {start}.",
                          "The end date {value} is before the start date {start}.",
                          "Rätta start- eller slutdatum.", "Correct the start or end date.")
OUTSIDE = define("activity.outside_years", ERROR, "{field} {value} ligger utanför planperioden {first}–{last}.",
                 "{field} {value} is outside the plan period {first}–{last}.",
                 "Aktiviteter ska ligga inom budgetåret och planåren.", "Activities must fall within the budget and plan years.")


def check(ctx):
    years = ctx.master.years
    first, last = f"{years[0]}-01-01", f"{years[-1]}-12-31"
    for i, row in ctx.rows("activities"):
        if row.get("locked"):
            continue
        start, end = row.get("start"), row.get("end")
        if start and end and end < start:
            yield ctx.at(END_BEFORE_START, f"/activities/{i}/end", field="Slut", value=end, params={"start": start})
        for field, label in (("start", "Start"), ("end", "Slut")):
            value = row.get(field)
            if value and not first <= value <= last:
                yield ctx.at(OUTSIDE, f"/activities/{i}/{field}", field=label, value=value,
                             params={"first": years[0], "last": years[-1]})
