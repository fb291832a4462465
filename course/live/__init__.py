"""The live lesson: the teacher puts a statement or quiz question on the board, the class answers
anonymously on their phones, the board shows the spread and the explanation per option."""
