FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY hub ./hub
COPY schema ./schema
COPY clients ./clients
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["incident-hub", "serve", "--host", "0.0.0.0", "--port", "8000"]
