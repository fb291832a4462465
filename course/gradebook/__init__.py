"""The teacher's gradebook: the class at a glance, item analysis by misconception, exports.

Blueprint ``gradebook`` at ``/teacher/gradebook``; reached from the class page. The grid, the
statistics and the exports are Flask-free modules; ``views`` only parses, loads and renders.
"""
