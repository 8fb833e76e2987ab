"""
The deadline watch: alerts for applications due within one working day or already late, and
the apology letters (Mẫu 04) with a new appointment that late applications need.
"""
