"""The Excel ribbon's entry module: the xlwings add-in `rodtrad_excel.xlam` runs
`import rodtrad_excel; rodtrad_excel.main()` (its module name is the add-in's file name)."""
import sys


def main() -> int:
    import xlwings as xw

    from rodtrad.addin.actions import run_main

    try:
        book = xw.Book.caller()
    except Exception:  # noqa: BLE001 - run outside Excel: say so plainly
        print("Röd tråd: ingen arbetsbok anropade tillägget. Kör det från Excel "
              "(eller använd `rodtrad excel validate`).", file=sys.stderr)
        return 2
    run_main(book)
    return 0


if __name__ == "__main__":
    sys.exit(main())
