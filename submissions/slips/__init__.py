"""
Official slips of the one-stop desk as PDF (WeasyPrint) and the intake register as XLSX.

The forms follow Circular 01/2018/TT-VPCP: Mẫu 01 receipt and appointment, 02 supplement
request, 03 refusal, 04 apology with a new appointment, 05 processing control, all printed
on A5; 06 the intake register, on A4.
"""
